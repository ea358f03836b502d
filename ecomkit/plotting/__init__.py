"""Charts for the notebooks: seaborn-based, axes-polite, one module per topic.

Every function is ``plot_<thing>(data, *, <options>, ax=None) -> Axes``: it
draws on the given ``ax`` (or a new one), labels through ``ax.set``, never
touches pyplot's global state and returns the Axes. Metric functions never
plot; these functions take their results (or the shop tables) as input.
"""

__all__: list[str] = []
