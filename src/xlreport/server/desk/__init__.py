"""The submission desk's Django app: units, accounts, stored files, report versions, the action log."""
