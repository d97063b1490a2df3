"""Mining the Vietnamese corpus for the table of laws (`python -m nlp.laws_build`): `names` reads a law's name
where it is printed, `corpus` reads each document for sightings and clauses, `rows` chooses the rows and links."""
