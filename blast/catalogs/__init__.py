"""Catalogs shipped with Blast: graph files of providers' services, includable by name.

``include: [catalog:aws]`` in a graph file names ``blast/catalogs/aws/index.yaml``
(see :mod:`blast.loading.catalogs` for the names, :mod:`blast.catalogs.generate`
for how the per-region files are written from one template).
"""
