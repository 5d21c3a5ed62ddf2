"""Results -> tables, Markdown/HTML/CSV, plots, leaderboard and adapter comparison."""
