"""How the response plays out: the SimPy model of dispatch, teams and depots."""
