Route #1: 51 71 83
Route #2: 38 26 48 94
Route #3: 63 14 77 40
Route #4: 58 12 5
Route #5: 65 7 49 2 45 43 87 96 64 34
Route #6: 3 67 88
Route #7: 24 31 46
Route #8: 22 70 1
Route #9: 86 9 54
Route #10: 91 27 100
Route #11: 52 99 62
Route #12: 28 6 78 42
Route #13: 39 10 25
Route #14: 97 61 21
Route #15: 59 60 82
Route #16: 81 98 89 47 8
Route #17: 92 55 13
Route #18: 66 84 90 68
Route #19: 15 41 20 35
Route #20: 44 4 18
Route #21: 32 95 73 53 33
Route #22: 75 93
Route #23: 50 19 23
Route #24: 56 17 80
Route #25: 74 69 16 76
Route #26: 30 85 11 79
Route #27: 72 37 36 29 57
Cost 28900
