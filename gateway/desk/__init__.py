"""The clerk's desk (assisted digital) and the citizen's view of the delegations they gave."""
