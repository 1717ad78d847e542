"""The facts endpoint for eligibility: one request for up to 200 organisations."""
