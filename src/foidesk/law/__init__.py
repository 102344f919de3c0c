"""The statutory rules foidesk encodes: calendars, regimes, deadlines, exemptions.

Pure Python with no Django import, so that the rules can be read, tested and run on their
own (the ``foidesk deadline`` command starts without Django). Nothing outside this package
decides how a statutory time limit is counted.
"""
