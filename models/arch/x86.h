/* x86.h — the x86_64 arch model (6.12). Its contract is the ArchOps it returns
 * (declared with the machine in models/kernel/machine.h): the BP's kick and the AP's stage lists. */
#pragma once

#include "models/kernel/machine.h"
