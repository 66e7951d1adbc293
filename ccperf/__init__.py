"""ccperf: performance reports of Italian Chambers of Commerce as a star schema."""
