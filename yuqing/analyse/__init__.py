"""Analysis of collected items: duplicate folding and fact-check claim matching."""
