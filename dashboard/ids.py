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
SHELL_TABS = "shell-tabs"

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

# race page
RACE_BODY = "race-body"
RACE_DIAGRAM = "race-diagram"
RACE_FIXES = "race-fixes"

# timeline page
TL_SCENARIO = "tl-scenario"
TL_PLAY = "tl-play"
TL_SLIDER = "tl-slider"
TL_TIME = "tl-time"
TL_INTERVAL = "tl-interval"
TL_NOTICE = "tl-notice"
TL_CYTO = "tl-cyto"
TL_PANEL = "tl-panel"
TL_GANTT = "tl-gantt"
TL_QUEUES = "tl-queues"
TL_WI_FAULT = "tl-wi-fault"
TL_WI_AT = "tl-wi-at"
TL_WI_FOR = "tl-wi-for"
TL_WI_EARLIER = "tl-wi-earlier"
TL_WI_MITIGATIONS = "tl-wi-mitigations"
TL_WI_RESULT = "tl-wi-result"
TL_OPENED = "tl-opened"
