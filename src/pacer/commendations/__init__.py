"""The commendation register: named awards given in a year to units and to people."""
