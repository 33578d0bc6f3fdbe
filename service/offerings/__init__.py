"""The catalogue as the service keeps it: versions in the database, the newest one served."""
