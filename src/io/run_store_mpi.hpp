// The MPI side of RunStore's interface: the communicator it writes over. Kept out of
// run_store.hpp so that including the store's interface does not pull in <mpi.h> (an MPI_Comm is
// a pointer in Open MPI and an int in MPICH); only the code that creates a store includes this.
#pragma once

#include <mpi.h>

namespace cartography::io {

struct StoreComm {
  MPI_Comm comm;
};

}  // namespace cartography::io
