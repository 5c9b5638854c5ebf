"""The DynamoDB DNS race of 2025-10-20: model, exhaustive checker, Monte Carlo, fixes.

* :mod:`blast.race.protocol`: the Planner/Enactor protocol as a transition system;
* :mod:`blast.race.explore`: breadth-first exhaustive search, safety and progress,
  shortest counterexamples, exact probabilities under a uniform scheduler;
* :mod:`blast.race.stats`: Wilson intervals.

Pure and deterministic per seed; nothing here prints or reads files.
"""
