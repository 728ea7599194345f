"""Resilience sweeps: many damage scenarios over one city, evaluated on Dask.

``ensembles`` builds the scenarios (pure functions of the city and a seed), ``evaluate``
turns a block of them into result rows, ``engine`` runs the blocks serially or on a Dask
cluster into Parquet chunks under an output folder, and ``aggregate`` reads the chunks
back into the ensemble's summary and the asset ranking.
"""
