"""Reports of a result: text, JSON, CSV, pandas, static plots and the HTML page.

``dealopt.report.html(result, instance=None)`` returns the self-contained HTML report (the
function, bound here over the submodule of the same name; plotly loads only when it runs).
"""

from dealopt.report.html import html

__all__ = ["html"]
