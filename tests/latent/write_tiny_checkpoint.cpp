// Writes the tiny pattern checkpoint of tiny_checkpoint.hpp to a path, for the Python checks
// (check_lightning_load.py): usage: write_tiny_checkpoint LAYOUT OUT.ckpt
#include <iostream>

#include "tiny_checkpoint.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: write_tiny_checkpoint LAYOUT OUT.ckpt\n";
    return 2;
  }
  try {
    const latent_test::TinyCheckpoint tiny = latent_test::make_tiny_checkpoint(argv[1]);
    cartography::latent::write_lightning_checkpoint(argv[2], tiny.checkpoint);
  } catch (const std::exception& e) {
    std::cerr << "write_tiny_checkpoint: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
