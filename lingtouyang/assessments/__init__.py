"""Annual assessment of cadres (考核): schemes, scores, grades, approval, appeals and their consequences."""
