"""Qt item models over the plain rows the services return; no ORM objects are held."""
