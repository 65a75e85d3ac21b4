Route #1: 56 30
Route #2: 123 36 66 13 33 79
Route #3: 71 5 28
Route #4: 147 141 133 45
Route #5: 19 64 138 102 4
Route #6: 96 34 145 49 111
Route #7: 78 41 94
Route #8: 100 119 80 7 57
Route #9: 65 144 131
Route #10: 23 99
Route #11: 25 29 63 24 11
Route #12: 22 55 27
Route #13: 139 91
Route #14: 143 76 83
Route #15: 95 87
Route #16: 127 112 17
Route #17: 26 37 31 114
Route #18: 124 121 140
Route #19: 128 146 92
Route #20: 8 125 135 115
Route #21: 113 32
Route #22: 109 77 85
Route #23: 15 90 116
Route #24: 120 81 20
Route #25: 130 53 126
Route #26: 68 54 10 129
Route #27: 1 59
Route #28: 105 40
Route #29: 69 38 9 50
Route #30: 21 93
Route #31: 46 89
Route #32: 6 48 103 101 52
Route #33: 16 74 108
Route #34: 3 12 117
Route #35: 51 60 39
Route #36: 18 75
Route #37: 107 62 118
Route #38: 106 88
Route #39: 14 61 67 98
Route #40: 72 58 43
Route #41: 104 70 35 142
Route #42: 44 42
Route #43: 86 122 2
Route #44: 137 82 136
Route #45: 110 134 84
Route #46: 97 132
Route #47: 47 73
Cost 44030
