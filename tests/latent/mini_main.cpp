// main() of the latent tests when GoogleTest is absent (see latent_test.hpp).
#include "latent_test.hpp"

int main(int argc, char** argv) { return mini::run_all(argc, argv); }
