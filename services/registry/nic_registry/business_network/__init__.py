"""Business-network customers ("bedriftsnettverk"): organisations with active-customer periods."""
