"""The published dataset.

Its files, the validated publication in a store, and what is derived from it.
"""
