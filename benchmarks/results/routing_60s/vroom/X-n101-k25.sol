Route #1: 15 22 41 20
Route #2: 50 23 61
Route #3: 58 12 5
Route #4: 89 98 99 62 71
Route #5: 100 94 96 80
Route #6: 17 8
Route #7: 1 70 54
Route #8: 53 73 31
Route #9: 33 93 75
Route #10: 34 64 3 88 77 44
Route #11: 32 95 24 46 35
Route #12: 97 91 19
Route #13: 40 67 59
Route #14: 39 10 65 42
Route #15: 83 51 81
Route #16: 14 82 72 57 60
Route #17: 38 47 48 26 56
Route #18: 21 27 52
Route #19: 68 90 84 66
Route #20: 28 37 78 63
Route #21: 76 55 16 69
Route #22: 25 4 18
Route #23: 86 9 92
Route #24: 49 36 6
Route #25: 74 13 7 2 45 43 29 87
Route #26: 30 85 11 79
Cost 28117
