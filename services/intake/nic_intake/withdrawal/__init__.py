"""Withdrawal with a reason, allowed until a funding recommendation exists."""
