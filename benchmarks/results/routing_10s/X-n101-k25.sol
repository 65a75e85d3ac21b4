Route #1: 17 8 21
Route #2: 75 93
Route #3: 82 60 59
Route #4: 74 13 4
Route #5: 35 46 31
Route #6: 58 12 5
Route #7: 49 6 37 72 57
Route #8: 7 2 45 43 29 36 87 64 34
Route #9: 27 97 19
Route #10: 18 10 39
Route #11: 86 9 92
Route #12: 63 14 77 44
Route #13: 54 70 1
Route #14: 89 98 99 62 71
Route #15: 23 61 100
Route #16: 81 51 83
Route #17: 56 26 48 47 38
Route #18: 28 42 78 65 25
Route #19: 68 90 84 66
Route #20: 79 11 85 30
Route #21: 32 33 53 73 95 24
Route #22: 80 3 94
Route #23: 69 16 55 76
Route #24: 15 22 41 20
Route #25: 50 91 52
Route #26: 96 67 88 40
Cost 27655
