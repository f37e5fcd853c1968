from django.http import HttpRequest, HttpResponse


def task_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def dashboard(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def import_start(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
