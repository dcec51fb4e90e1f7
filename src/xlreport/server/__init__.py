"""`xlreport serve`: the county's submission desk (docs/server.md, docs/http-api.md).

A Django project configured in code (`config.setup`): settings are built at start from
the data folder and the database URL, so there is no settings module or manage.py to
install. The app `desk` holds the models, views, pages and migrations; `run` serves it
with waitress; `accounts` creates the units' and reviewers' accounts.

The server reaches the core only through `xlreport.api` (check, new_workbook,
render_docx, render_html, read_roster) and its errors' `code`s.
"""
