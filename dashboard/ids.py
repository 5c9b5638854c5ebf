"""Component ids of the dashboard, prefixed by the page that owns them.

Callbacks and the browser tests refer to these constants, never to string literals.
"""

# shell: shared by every page
SHELL_URL = "shell-url"
SHELL_STATE = "shell-state"
SHELL_TITLE = "shell-title"
SHELL_GRAPH = "shell-graph"
SHELL_UPLOAD = "shell-upload"
SHELL_UPLOAD_ACCEPTED = "shell-upload-accepted"
SHELL_UPLOAD_ERRORS = "shell-upload-errors"
SHELL_SUMMARY = "shell-summary"

# graph page
GRAPH_CYTO = "graph-cyto"
GRAPH_SEARCH = "graph-search"
GRAPH_HOPS = "graph-hops"
GRAPH_SHOW = "graph-show"
GRAPH_CLEAR = "graph-clear"
GRAPH_EXPAND_ALL = "graph-expand-all"
GRAPH_COLLAPSE_ALL = "graph-collapse-all"
GRAPH_COLLAPSE_GROUP = "graph-collapse-group"
GRAPH_NOTICE = "graph-notice"
GRAPH_PANEL = "graph-panel"
GRAPH_LEGEND = "graph-legend"
GRAPH_DL_SPOF_CSV = "graph-dl-spof-csv"
GRAPH_DL_SPOF_JSON = "graph-dl-spof-json"
GRAPH_DL_VIEW_CSV = "graph-dl-view-csv"
GRAPH_DL_VIEW_JSON = "graph-dl-view-json"
GRAPH_DOWNLOAD = "graph-download"
