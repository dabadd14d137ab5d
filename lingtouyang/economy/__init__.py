"""The village collective economy (村集体经济): operating income and cost by project and the cadres who ran each."""
