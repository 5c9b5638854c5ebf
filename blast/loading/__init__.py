"""Loading graph files: located YAML (``yamlsource``), validation and graph building
(``loader``), and the JSON Schema generated from the model (``schema``)."""
