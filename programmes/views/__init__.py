"""Portal pages, split by audience: applicant, review (county, expert, staff), public, files."""
