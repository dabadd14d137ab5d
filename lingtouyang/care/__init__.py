"""Care and discipline (关心关爱): condolence visits, reminder talks, hardship assistance."""
