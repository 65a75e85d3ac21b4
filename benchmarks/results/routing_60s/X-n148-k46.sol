Route #1: 106 136
Route #2: 15 90 116
Route #3: 113 35
Route #4: 65 144 131
Route #5: 147 141 133 19
Route #6: 104 32 82
Route #7: 21 93
Route #8: 120 81 7
Route #9: 17 112 70 142
Route #10: 11 63 24 9 50 45
Route #11: 128 146 111
Route #12: 8 3 12 117
Route #13: 78 41 94
Route #14: 127 77 109 62
Route #15: 18 75
Route #16: 88 44
Route #17: 49 145 66 13 36 33 96
Route #18: 22 55 27
Route #19: 46 47 23
Route #20: 118 107
Route #21: 26 130 57
Route #22: 38 69 29 25
Route #23: 137 110 85
Route #24: 20 80 119 48 52
Route #25: 105 40
Route #26: 87 95
Route #27: 123 91 79 92
Route #28: 34 139
Route #29: 101 103 6 125 37
Route #30: 129 10 54 68
Route #31: 140 121 124
Route #32: 143 76 83
Route #33: 59 1
Route #34: 14 61 67 98
Route #35: 43 58 72
Route #36: 99
Route #37: 39 89
Route #38: 84 134 42
Route #39: 30 56
Route #40: 28 5 71
Route #41: 2 122 86
Route #42: 64 138 102 114
Route #43: 73 53 126
Route #44: 51 60 4
Route #45: 31 135 115 100
Route #46: 16 74 108
Route #47: 97 132
Cost 43448
