Route #1: 100 48 119 80 52
Route #2: 94 41 78
Route #3: 1 59
Route #4: 97 51
Route #5: 50 9 24 63 25
Route #6: 65 144 131
Route #7: 14 61 67 98
Route #8: 3 12 117
Route #9: 37 135 115 6
Route #10: 73 58
Route #11: 101 103 26
Route #12: 40 105
Route #13: 74 90
Route #14: 69 29 11 38
Route #15: 60 64 138 102 19
Route #16: 34 66 13
Route #17: 111 49 145 71 5
Route #18: 106 129
Route #19: 112 139
Route #20: 87 95
Route #21: 56 132
Route #22: 147 141 133 45
Route #23: 113 32
Route #24: 42 99
Route #25: 92 146 128
Route #26: 10 7 130
Route #27: 83 93
Route #28: 121 140
Route #29: 122 96 123
Route #30: 27 55 22
Route #31: 57 81 120 20
Route #32: 44 54 68
Route #33: 142 35 70 104
Route #34: 79 33 36 91 2
Route #35: 143 28 76 17
Route #36: 85 77 109
Route #37: 72 21
Route #38: 110 127 82 136
Route #39: 18 137
Route #40: 46 47 23
Route #41: 86 84 134
Route #42: 16 116 125 8 126
Route #43: 39 89 43
Route #44: 118 62 107
Route #45: 75 88
Route #46: 114 108 15 31 4
Route #47: 124 30 53
Cost 45282
