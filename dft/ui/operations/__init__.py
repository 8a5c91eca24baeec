"""User actions, one function per action, grouped by noun.

Each takes ``(parent, context, ...)``: the widget its questions and warnings
belong to, and the :class:`~dft.ui.context.AppContext`. Every one runs through
:mod:`dft.ui.operations.runner`, the one place that shows a refusal, records
undo and lets the views know the data changed.
"""
