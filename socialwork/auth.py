from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class PlaceAwareBackend(ModelBackend):
    """Loads the logged-in user with their place and roles, which every page needs."""

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = (
                user_model._default_manager.select_related("region", "unit__region", "worker")
                .prefetch_related("groups")
                .get(pk=user_id)
            )
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
