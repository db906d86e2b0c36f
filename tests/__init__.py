from . import test_security
from . import test_guide_designer
from . import test_guide_engine
from . import test_guide_mixin
from . import test_performance
from . import test_rpc
from . import test_guide_prompt
from . import test_tours
