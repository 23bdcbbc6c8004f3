"""Value codecs: Arrow batches to DataRow bytes (vectorized), and single values both ways."""
