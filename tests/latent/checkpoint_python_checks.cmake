# The checkpoint writer's Python checks (included by tests/latent/CMakeLists.txt). Each is
# skipped (exit 77) where its interpreter is missing:
#   latent_checkpoint_lightning_load  $TRAINREF_PYTHON: the reference's training venv (torch 2.7,
#                                     PyTorch Lightning 2.5.2; tools/trainref/make_ckpts.sh), with
#                                     TRAINREF_SRC (its osu_dreamer) on PYTHONPATH
#   latent_checkpoint_torch_load      $CARTO_TORCH_PYTHON: any Python with torch and numpy
# Both default to what this machine has at configure time; the environment overrides at test time.
if(NOT DEFINED TRAINREF_PYTHON AND EXISTS /work/trainref/venv/bin/python)
  set(TRAINREF_PYTHON /work/trainref/venv/bin/python)
endif()
set(TRAINREF_PYTHON "${TRAINREF_PYTHON}" CACHE FILEPATH "Python of the reference's training venv (latent_checkpoint_lightning_load)")
if(NOT DEFINED TRAINREF_SRC AND EXISTS /work/trainref/src/osu_dreamer)
  set(TRAINREF_SRC /work/trainref/src)
endif()
set(TRAINREF_SRC "${TRAINREF_SRC}" CACHE PATH "Folder holding the reference's osu_dreamer package")
find_program(CARTO_TORCH_PYTHON_DEFAULT NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
set(CARTO_TORCH_PYTHON "${CARTO_TORCH_PYTHON_DEFAULT}" CACHE FILEPATH "A Python with torch and numpy (latent_checkpoint_torch_load)")

set(_ckpt_data ${PROJECT_SOURCE_DIR}/tests/data/train/ckpt_writer)
set(_ckpt_args $<TARGET_FILE:write_tiny_checkpoint> ${_ckpt_data}/tiny_layout.txt ${_ckpt_data}/tiny_reference.json
               ${CMAKE_CURRENT_SOURCE_DIR}/check_lightning_load.py)
add_test(NAME latent_checkpoint_lightning_load
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/run_checkpoint_python_check.sh TRAINREF_PYTHON ${_ckpt_args})
add_test(NAME latent_checkpoint_torch_load
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/run_checkpoint_python_check.sh CARTO_TORCH_PYTHON ${_ckpt_args} --torch-only)
set(_ckpt_env)
if(TRAINREF_PYTHON)
  list(APPEND _ckpt_env "TRAINREF_PYTHON=${TRAINREF_PYTHON}")
endif()
if(TRAINREF_SRC)
  list(APPEND _ckpt_env "PYTHONPATH=${TRAINREF_SRC}")
endif()
if(CARTO_TORCH_PYTHON)
  list(APPEND _ckpt_env "CARTO_TORCH_PYTHON=${CARTO_TORCH_PYTHON}")
endif()
set_tests_properties(latent_checkpoint_lightning_load latent_checkpoint_torch_load PROPERTIES
  LABELS "latent;python" SKIP_RETURN_CODE 77 TIMEOUT 300 ENVIRONMENT "${_ckpt_env}")
