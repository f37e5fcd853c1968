from django.http import HttpRequest, HttpResponse


def indicator_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
