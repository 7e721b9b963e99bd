"""What the tests, the test bed and the benchmarks need beside the product: the site server with its odd
and hostile behaviours, document rendering, and the generator of the bundled demo site."""
