app_name = "accesslog"

urlpatterns = []
