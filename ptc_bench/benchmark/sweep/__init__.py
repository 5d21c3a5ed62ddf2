"""`bench sweep`: a plan of ordinary runs (tasks x models x approaches), run resumably one at a time."""
