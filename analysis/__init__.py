"""Design-based survey estimation for hailong: pure numpy, scipy and statsmodels."""
