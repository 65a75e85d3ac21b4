Route #1: 34 64 96 48 26 47 38
Route #2: 89 98 99 62 71
Route #3: 52 91 50
Route #4: 59 60 82
Route #5: 75 93
Route #6: 80 94 56 21
Route #7: 32 33 53 73 95 24
Route #8: 63 77 3
Route #9: 74 13 4
Route #10: 7 2 45 43 29 36 72 57
Route #11: 40 88 67 44
Route #12: 83 51 81
Route #13: 92 9 86
Route #14: 87 37 6 49 14
Route #15: 25 65 78 42 28
Route #16: 31 46 35
Route #17: 76 55 16 69
Route #18: 39 10 18
Route #19: 68 90 84 66
Route #20: 58 12 5
Route #21: 23 61 100
Route #22: 15 22 41 20
Route #23: 79 11 85 30
Route #24: 17 8
Route #25: 19 97 27
Route #26: 54 70 1
Cost 27591
