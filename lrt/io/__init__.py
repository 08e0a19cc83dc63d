"""The loading layer: the only part of lrt that opens files.

Every reader returns frozen, validated objects and raises :class:`~lrt.errors.InputError`
naming the file, the place, what was found and what was expected.
"""
