"""Applications: drafts created by an applicant organisation and filled in part by part."""
