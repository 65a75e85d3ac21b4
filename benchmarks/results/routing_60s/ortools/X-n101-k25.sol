Route #1: 6 43 45 2 49 7
Route #2: 44 28 42 78 65
Route #3: 76 55 74 13
Route #4: 96 48 26 56
Route #5: 57 72 37 36 29 87 64 34
Route #6: 3 67 88
Route #7: 22 70 1
Route #8: 61 19 11 85
Route #9: 32 31 24 46
Route #10: 91 27 100
Route #11: 35 20 41 15
Route #12: 83 51 81
Route #13: 63 14 77 40
Route #14: 39 10 25
Route #15: 21 99 62 71 97
Route #16: 59 60 82
Route #17: 52 98 89 47 38
Route #18: 4 18
Route #19: 30 33 53 73 95
Route #20: 92 16 69
Route #21: 68 54 86
Route #22: 75 93
Route #23: 9 90 84 66
Route #24: 94 8
Route #25: 17 80
Route #26: 58 12 5
Route #27: 23 50 79
Cost 28536
