"""Where each application stands, from the other services' events, as the applicant sees it."""
