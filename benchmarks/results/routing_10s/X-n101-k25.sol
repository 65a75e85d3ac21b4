Route #1: 15 22 41 20
Route #2: 93 75
Route #3: 88 60 57 72 82
Route #4: 35 46 31
Route #5: 89 98 99 62 71
Route #6: 38 47 48 26 56
Route #7: 63 14 77 40
Route #8: 18 10 39
Route #9: 25 42 28 44
Route #10: 52 91 50
Route #11: 66 84 90 68
Route #12: 87 29 36 6 78 65
Route #13: 21 8 17
Route #14: 58 12 5
Route #15: 32 33 53 73 95 24
Route #16: 54 70 1
Route #17: 34 64 96 59 67
Route #18: 100 61 23
Route #19: 79 11 85 30
Route #20: 76 55 16 69
Route #21: 83 51 81
Route #22: 27 97 19
Route #23: 92 9 86
Route #24: 4 13 74
Route #25: 80 3 94
Route #26: 7 49 2 45 43 37
Cost 27665
