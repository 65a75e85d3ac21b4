Route #1: 117 3 16
Route #2: 86 58 46
Route #3: 43 89 39
Route #4: 88 106
Route #5: 111 49 145 71 5
Route #6: 6 115 135 37
Route #7: 99 42
Route #8: 14 61 67 98
Route #9: 124 121 140
Route #10: 143 28 97
Route #11: 7 130 23
Route #12: 64 144 94
Route #13: 65 141 147
Route #14: 93 21
Route #15: 40 105
Route #16: 80 119 52 26
Route #17: 90 74
Route #18: 47
Route #19: 53 73
Route #20: 34 66 13
Route #21: 12 133 24 63 38
Route #22: 1 59
Route #23: 69 9 51
Route #24: 128 92 112
Route #25: 87 95
Route #26: 56 132
Route #27: 32 113
Route #28: 31 15 108 102 138 19
Route #29: 142 35 70 104
Route #30: 146 139
Route #31: 72 83 76
Route #32: 131 41 78 45
Route #33: 123 96 122
Route #34: 44 75
Route #35: 27 55 22
Route #36: 57 81 120 20
Route #37: 25 29 11 50
Route #38: 91 36 33 79 17
Route #39: 85 77 109
Route #40: 136 82 127 110
Route #41: 129 10 54 68
Route #42: 18 137
Route #43: 84 2 134
Route #44: 4 60 30
Route #45: 8 125 116 114 126
Route #46: 118 62 107
Route #47: 100 48 103 101
Cost 44962
